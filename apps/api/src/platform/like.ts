// LIKE patterns built from user input: `%` and `_` (and the escape character
// itself) match literally, so a filter means what the user typed.
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A `$like` pattern matching values that start with `prefix`, literally. */
export const likePrefix = (prefix: string) => `${escapeLike(prefix)}%`;
