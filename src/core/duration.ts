/** App Mesh durations: the API's {unit, value} and meshward's shorthand strings "15s" / "500ms". */
export interface ApiDuration {
  unit: 's' | 'ms';
  value: number;
}

export const DURATION_STRING_PATTERN = '^[0-9]+(ms|s)$';
const DURATION_RE = new RegExp(DURATION_STRING_PATTERN);

export function parseDuration(value: string | ApiDuration): ApiDuration {
  if (typeof value !== 'string') return value;
  const match = DURATION_RE.exec(value);
  if (!match) throw new Error(`invalid duration "${value}": write it as "<n>s" or "<n>ms"`);
  const unit = match[1] === 'ms' ? 'ms' : 's';
  return { unit, value: Number(value.slice(0, value.length - unit.length)) };
}

export function durationMillis(d: ApiDuration): number {
  return d.unit === 's' ? d.value * 1000 : d.value;
}
