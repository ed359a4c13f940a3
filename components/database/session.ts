/** What the admin sessions of both engines share: they close. */

/** @internal Runs `work` on the session `open` gives and closes it afterwards, whatever happens (a failed close is ignored). */
export async function withSession<S extends { close(): Promise<void> }, T>(open: Promise<S>, work: (session: S) => Promise<T>): Promise<T> {
  const session = await open;
  try {
    return await work(session);
  } finally {
    await session.close().catch(() => undefined);
  }
}
