/**
 * Whether a column box's rows run past its content box (into its bottom padding or beyond), measured
 * in fractional pixels. `scrollHeight > clientHeight + 1` (rounded whole pixels, one pixel let
 * through) accepted a tile whose last row stood up to a pixel and a half over its edge: at a
 * fractional font size (a TV tile's type is its height / 14.5) such a tile read "over by 1" in one
 * layout and "over by 2" after a digit or a name's own fit changed, and the TV left it cut.
 *
 * @example isOver(tile) // true while the last row's bottom lies below the tile's padding edge
 */
export function isOver(el: Element): boolean {
  const last = el.lastElementChild;
  if (!last) return false;
  const style = getComputedStyle(el);
  const innerBottom = el.getBoundingClientRect().bottom - parseFloat(style.borderBottomWidth) - parseFloat(style.paddingBottom);
  return last.getBoundingClientRect().bottom > innerBottom + 0.01;
}
