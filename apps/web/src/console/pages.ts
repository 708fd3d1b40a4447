// The console's pages in navigation order, with the least role that may open each.
import {
  Ban,
  CreditCard,
  FileCheck,
  Flag,
  KeyRound,
  Landmark,
  LayoutDashboard,
  type LucideIcon,
  ScrollText,
  ShoppingBasket,
  Store,
  Users,
} from "lucide-react";
import type { MessageKey } from "../i18n/index.ts";
import type { Role } from "./roles.ts";

export interface ConsolePage {
  to:
    | "/console"
    | "/console/terminals"
    | "/console/cards"
    | "/console/policy"
    | "/console/catalog"
    | "/console/keys"
    | "/console/deny-list"
    | "/console/reconciliation"
    | "/console/audit"
    | "/console/finance"
    | "/console/people";
  title: MessageKey;
  icon: LucideIcon;
  role: Role;
}

export const CONSOLE_PAGES: readonly ConsolePage[] = [
  { to: "/console", title: "console.section.dashboard", icon: LayoutDashboard, role: "auditor" },
  { to: "/console/terminals", title: "console.section.terminals", icon: Store, role: "auditor" },
  { to: "/console/cards", title: "console.section.cards", icon: CreditCard, role: "auditor" },
  { to: "/console/reconciliation", title: "console.section.flags", icon: Flag, role: "auditor" },
  { to: "/console/deny-list", title: "console.section.denyList", icon: Ban, role: "auditor" },
  { to: "/console/finance", title: "console.section.finance", icon: Landmark, role: "auditor" },
  { to: "/console/policy", title: "console.section.policy", icon: FileCheck, role: "auditor" },
  { to: "/console/catalog", title: "console.section.catalog", icon: ShoppingBasket, role: "auditor" },
  { to: "/console/keys", title: "console.section.keys", icon: KeyRound, role: "auditor" },
  { to: "/console/audit", title: "console.section.audit", icon: ScrollText, role: "auditor" },
  { to: "/console/people", title: "console.section.people", icon: Users, role: "admin" },
];

/** Pages a signed-out visitor may open: signing in, and accepting an invitation. */
export const PUBLIC_CONSOLE_PATHS = ["/console/sign-in", "/console/join"] as const;
