/**
 * How messages name a front end's option. Core knows options by their logical path (`resume`,
 * `maxPlayers`, `out`) and no flags: the CLI installs its own names at start (its one table:
 * `--resume`, `--max-players`), so a hint such as "rerun with --resume" reads as the user would
 * type it; a program using the library sees the path.
 */
let namer: (path: string) => string = (path) => `\`${path}\``;

/** Installs how {@link optionName} names options (the CLI: each path's flag). */
export function useOptionNames(name: (path: string) => string): void {
  namer = name;
}

/** The name of option `path` in a message: the front end's (`--resume`), else `` `resume` ``. */
export function optionName(path: string): string {
  return namer(path);
}
