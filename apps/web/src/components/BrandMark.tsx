// Tessera's mark: four mosaic tiles, one lifted, as in the app icon.

export function BrandMark({ size = 36 }: { size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 48 48"
      aria-hidden="true"
      focusable="false"
      className="brand-mark"
    >
      <rect width="48" height="48" rx="11" fill="#0b5f5a" />
      <rect x="10" y="10" width="12.5" height="12.5" rx="2.5" fill="#e7f4f2" />
      <rect x="25.5" y="10" width="12.5" height="12.5" rx="2.5" fill="#f2b84b" />
      <rect x="10" y="25.5" width="12.5" height="12.5" rx="2.5" fill="#9fd4cd" />
      <rect x="25.5" y="25.5" width="12.5" height="12.5" rx="2.5" fill="#e7f4f2" />
    </svg>
  );
}
