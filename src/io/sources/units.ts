/** How a displacement unit converts to mm, or null when it is not a length. */
export function lengthUnitToMm(unit: string): number | null {
  const u = unit.trim().toLowerCase().replace(/\s+/g, ' ');
  if (['m', 'meter', 'meters', 'metre', 'metres'].includes(u)) return 1000;
  if (['cm', 'centimeter', 'centimeters', 'centimetre', 'centimetres'].includes(u)) return 10;
  if (['mm', 'millimeter', 'millimeters', 'millimetre', 'millimetres'].includes(u)) return 1;
  return null;
}

/** True for a rate unit (mm/yr, m/year, cm/y ...): a velocity map, not a displacement. */
export function isVelocityUnit(unit: string): boolean {
  return /\/\s*(yr|year|years|y|a|day|d)\b|per\s+year|\byr-1\b|\ba-1\b/i.test(unit.trim());
}

/** The provenance text of a unit conversion. */
export function unitsText(unit: string, scale: number, from: string): string {
  return scale === 1 ? `mm (as stored; ${from})` : `${unit} (${from}), multiplied by ${scale} to mm`;
}
