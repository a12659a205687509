/** Reading tshark's field output in tests. */

/**
 * A time as tshark prints it ("Nov 25, 2026 04:59:50.000000000 UTC"; several values of a field are joined by ","),
 * as the ISO form kerbscope's views use ("2026-11-25T04:59:50Z"). Takes the first value.
 */
export function tsharkTimeIso(field: string | undefined): string {
  const first = (field ?? '')
    .split(',')
    .slice(0, 2)
    .join(',')
    .replace(/\.\d+ UTC$/, '');
  return new Date(`${first} UTC`).toISOString().replace('.000Z', 'Z');
}
