/**
 * JSON for people and machines: indented objects, but arrays of plain values
 * (a displacement curve, a geotransform) kept on one line.
 */
export function toReadableJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return `${text.replace(/\[\n\s*([^[\]{}]*?)\n\s*\]/g, (_m, items: string) => `[${items.split(/,\n\s*/).join(', ')}]`)}\n`;
}
