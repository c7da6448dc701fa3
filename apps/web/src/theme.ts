import {
  createTheme,
  darken,
  defaultVariantColorsResolver,
  luminance,
  parseThemeColor,
  type CSSVariablesResolver,
  type VariantColorsResolver,
} from '@mantine/core';

// Colours meet WCAG 2.1 AA contrast (4.5:1 for text), which Mantine's defaults
// do not everywhere: the e2e suite audits every screen with axe-core.

/** Text on tinted ("light") and outlined components: the colour's darkest shade, darkened further. */
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor || parsed.shade !== undefined) return colors;
  const strong = darken(input.theme.colors[parsed.color]![9]!, 0.25);
  if (input.variant === 'light' || input.variant === 'outline' || input.variant === 'subtle' || input.variant === 'white') return { ...colors, color: strong };
  if (input.variant === 'filled' && colors.color === 'var(--mantine-color-white)') {
    // Darken light palettes' fills (green, teal, orange…) until white text reads.
    let fill = input.theme.colors[parsed.color]![typeof input.theme.primaryShade === 'number' ? input.theme.primaryShade : input.theme.primaryShade.light]!;
    for (let i = 0; i < 10 && 1.05 / (luminance(fill) + 0.05) < 4.5; i++) fill = darken(fill, 0.08);
    return { ...colors, background: fill, hover: darken(fill, 0.1) };
  }
  return colors;
};

export const theme = createTheme({
  primaryColor: 'indigo',
  // White text on filled components stays above 4.5:1; autoContrast switches
  // to dark text on light fills (green, yellow).
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  variantColorResolver,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif' },
});

/** Secondary ("dimmed") text and coloured text (`c="green"`) dark enough to read on white. */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': t.colors.gray[7]!,
    ...Object.fromEntries(Object.keys(t.colors).map((c) => [`--mantine-color-${c}-text`, darken(t.colors[c]![9]!, 0.25)])),
  },
  dark: {},
});
