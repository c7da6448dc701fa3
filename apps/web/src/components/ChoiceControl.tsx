import { NativeSelect, SegmentedControl } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';

/**
 * One choice among a few: segmented buttons where they fit, a native select on
 * narrow screens (where segments would be cut off).
 */
export function ChoiceControl<T extends string>({
  label,
  value,
  onChange,
  data,
}: {
  label: string;
  value: T;
  onChange(value: T): void;
  data: { value: T; label: string }[];
}) {
  const narrow = useMediaQuery('(max-width: 40em)');
  return narrow ? (
    <NativeSelect aria-label={label} value={value} onChange={(e) => onChange(e.currentTarget.value as T)} data={data} />
  ) : (
    <SegmentedControl aria-label={label} value={value} onChange={(v) => onChange(v as T)} data={data} />
  );
}
