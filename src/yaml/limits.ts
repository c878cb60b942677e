/**
 * What neither YAML reader takes, whichever file it reads (manifest or lockfile): keys that would
 * reach a JavaScript object's prototype, nesting deep enough to exhaust a stack, and aliases that
 * expand into a flood of copies. The fast reader declines them; the general one refuses them with a position.
 */

/** Keys no seedlock file has and that would touch a JavaScript object's prototype: refused in both readers. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Deepest nesting of mappings and lists either reader takes; a manifest needs five, a lockfile seven. */
export const MAX_NESTING = 64;

/** Copies of anchored values one document may expand to; a real manifest needs a handful. */
export const MAX_ALIASES = 1000;
