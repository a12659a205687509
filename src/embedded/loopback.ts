/** The embedded lab never binds anything but loopback (127.0.0.0/8): a guard every server calls before it listens. */
export function isLoopbackV4(host: string): boolean {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m?.slice(1).every((x) => Number(x) <= 255) === true;
}

export function assertLoopback(host: string): void {
  if (!isLoopbackV4(host)) throw new RangeError(`the embedded lab binds only 127.0.0.0/8 addresses, not ${host}`);
}
