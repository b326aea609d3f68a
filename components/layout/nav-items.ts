export type NavAccess = "member" | "admin" | "owner" | "super";

export interface NavItem {
  href: string;
  label: string;
  access: NavAccess;
}

export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Overview", access: "member" },
  { href: "/usage", label: "Usage log", access: "member" },
  { href: "/budgets", label: "Budgets", access: "member" },
  { href: "/alerts", label: "Alerts", access: "member" },
  { href: "/reports", label: "Reports", access: "member" },
  { href: "/prices", label: "Prices", access: "member" },
  { href: "/keys", label: "API keys", access: "admin" },
  { href: "/members", label: "Members", access: "admin" },
  { href: "/reconciliation", label: "Reconciliation", access: "admin" },
  { href: "/settings", label: "Settings", access: "owner" },
  { href: "/orgs", label: "Organisations", access: "super" },
  { href: "/audit", label: "Audit log", access: "super" },
  { href: "/account", label: "Account", access: "member" },
];

/** Which items a person sees, given their role in the selected organisation. */
export function visibleNavItems(isSuperAdmin: boolean, role: "owner" | "admin" | "viewer" | null): NavItem[] {
  return NAV_ITEMS.filter((item) => {
    if (isSuperAdmin) return true;
    if (item.access === "super") return false;
    if (item.access === "admin") return role === "owner" || role === "admin";
    if (item.access === "owner") return role === "owner";
    return true;
  });
}
