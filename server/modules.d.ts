// Type declarations for dependencies that ship none.

declare module 'french-badwords-list' {
  /** The list: every form (leetspeak variants included), as written by its maintainers. */
  const list: { array: string[]; object: Record<string, number>; regex: RegExp };
  export default list;
}
