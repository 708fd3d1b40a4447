/**
 * The catalog: products and prices per location that POS terminals offer. It is published, versioned
 * and cached exactly like the policy, and like it is loose at every level for older readers.
 */
import { z } from "zod";
import { Amount, Currency, MAX_HISTORY_AMOUNT, type PolicyDraft } from "./document.ts";
import type { PolicyIssue } from "./validate.ts";

/** Ids of locations, products and categories: short, URL- and log-safe. */
export const CatalogId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1–64 letters, digits, '.', '_' or '-'");
/** A location (canteen, bar, entrance) that terminals are enrolled at and grants are scoped to. */
export const LocationId = CatalogId;
export type LocationId = z.infer<typeof LocationId>;

const DisplayName = z.string().trim().min(1).max(120);

export const CatalogProduct = z.looseObject({
  id: CatalogId,
  name: DisplayName,
  price: Amount,
  category: z.string().trim().min(1).max(60).optional(),
});
export type CatalogProduct = z.infer<typeof CatalogProduct>;

export const CatalogLocation = z.looseObject({
  id: LocationId,
  name: DisplayName,
  products: z.array(CatalogProduct),
});
export type CatalogLocation = z.infer<typeof CatalogLocation>;

export const CatalogDraft = z.looseObject({
  currency: Currency,
  locations: z.array(CatalogLocation),
});
export type CatalogDraft = z.infer<typeof CatalogDraft>;

export const CatalogDocument = CatalogDraft.extend({
  version: z.int().min(1),
  publishedAt: z.iso.datetime().optional(),
});
export type CatalogDocument = z.infer<typeof CatalogDocument>;

export const CATALOG_RULES = [
  "locations.unique_ids",
  "products.unique_ids",
  "products.price_fits_card",
  "products.price_within_pos_limit",
  "currency.matches_policy",
] as const;
export type CatalogRule = (typeof CATALOG_RULES)[number];
export type CatalogIssue = PolicyIssue;

/**
 * Cross-field rules of a catalog. With the policy it will run under, prices are also checked against
 * what a POS terminal may charge offline, since a product no terminal can sell is an operator error.
 */
export function validateCatalog(catalog: CatalogDraft, policy?: PolicyDraft): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const flag = (path: string, rule: CatalogRule, message: string) => issues.push({ path, rule, message });

  if (policy && policy.currency.code !== catalog.currency.code)
    flag(
      "currency.code",
      "currency.matches_policy",
      `the catalog is priced in ${catalog.currency.code} but the policy uses ${policy.currency.code}`,
    );
  if (policy && policy.currency.minorUnit !== catalog.currency.minorUnit)
    flag(
      "currency.minorUnit",
      "currency.matches_policy",
      "the catalog and the policy disagree on the minor unit",
    );

  const locationIds = new Set<string>();
  catalog.locations.forEach((location, l) => {
    if (locationIds.has(location.id))
      flag(`locations.${l}.id`, "locations.unique_ids", `location ${location.id} appears more than once`);
    locationIds.add(location.id);

    const productIds = new Set<string>();
    location.products.forEach((product, p) => {
      const path = `locations.${l}.products.${p}`;
      if (productIds.has(product.id))
        flag(
          `${path}.id`,
          "products.unique_ids",
          `product ${product.id} appears more than once in ${location.id}`,
        );
      productIds.add(product.id);

      if (product.price > MAX_HISTORY_AMOUNT)
        flag(
          `${path}.price`,
          "products.price_fits_card",
          `the card history records at most ${MAX_HISTORY_AMOUNT}`,
        );
      else if (policy && product.price > policy.roles.pos.offline.perTransaction)
        flag(
          `${path}.price`,
          "products.price_within_pos_limit",
          `${product.name} costs more than a POS terminal may charge in one transaction`,
        );
    });
  });
  return issues;
}

/** A small demo canteen and coffee bar, priced in euro cents. */
export const DEFAULT_CATALOG: CatalogDraft = {
  currency: { code: "EUR", minorUnit: 2 },
  locations: [
    {
      id: "canteen",
      name: "Canteen",
      products: [
        { id: "menu-of-the-day", name: "Menu of the day", price: 650, category: "meals" },
        { id: "vegetarian-dish", name: "Vegetarian dish", price: 590, category: "meals" },
        { id: "soup", name: "Soup of the day", price: 320, category: "meals" },
        { id: "sandwich", name: "Sandwich", price: 450, category: "snacks" },
        { id: "fruit", name: "Piece of fruit", price: 80, category: "snacks" },
        { id: "water", name: "Still water 0.5 l", price: 150, category: "drinks" },
      ],
    },
    {
      id: "coffee-bar",
      name: "Coffee bar",
      products: [
        { id: "espresso", name: "Espresso", price: 180, category: "drinks" },
        { id: "cappuccino", name: "Cappuccino", price: 280, category: "drinks" },
        { id: "tea", name: "Tea", price: 200, category: "drinks" },
        { id: "croissant", name: "Croissant", price: 170, category: "snacks" },
      ],
    },
  ],
};
