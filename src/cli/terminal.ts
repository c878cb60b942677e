/** What the terminal a command writes to can show: colour (https://no-color.org) and its width. */

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** Colour only on a terminal, and never when NO_COLOR is set to anything non-empty or TERM is dumb. */
export function wantsColor(stream: Stream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

/** Columns to lay text out in: the terminal's, else $COLUMNS, else 80. */
export function widthOf(stream: Stream, env: NodeJS.ProcessEnv): number {
  const fromEnv = Number(env.COLUMNS);
  const columns = stream.isTTY && stream.columns ? stream.columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
  return Math.max(40, columns);
}
