// Invitation links: the one-time token travels in the URL fragment, which browsers never send to a server.

export function invitationLink(origin: string, token: string): string {
  return `${origin}/console/join#${new URLSearchParams({ invitation: token })}`;
}

export function invitationFromHash(hash: string): string | null {
  const value = new URLSearchParams(hash.replace(/^#/, "")).get("invitation");
  return value && value.trim() !== "" ? value.trim() : null;
}
