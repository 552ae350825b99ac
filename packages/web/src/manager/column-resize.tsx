// The table's header cell with a drag handle on its right edge (and arrow keys on it) to change the column's width.
import { useRef, type HTMLAttributes, type KeyboardEvent, type PointerEvent } from 'react';
import { MIN_COLUMN_WIDTH } from './column-keys';

export interface ResizableHeaderProps extends HTMLAttributes<HTMLTableCellElement> {
  /** Called with the new width while dragging; absent on cells that cannot be resized. */
  onResizeWidth?: (width: number) => void;
  resizeLabel?: string;
}

/** How far one arrow key press moves the edge. */
const KEY_STEP = 16;

export function ResizableHeaderCell({ onResizeWidth, resizeLabel, children, ...rest }: ResizableHeaderProps) {
  const cell = useRef<HTMLTableCellElement>(null);
  const drag = useRef<{ x: number; width: number } | null>(null);
  if (!onResizeWidth) return <th {...rest}>{children}</th>;

  const width = () => cell.current?.getBoundingClientRect().width ?? MIN_COLUMN_WIDTH;
  const resize = (next: number) => onResizeWidth(Math.max(MIN_COLUMN_WIDTH, Math.round(next)));
  const onPointerDown = (e: PointerEvent<HTMLSpanElement>) => {
    e.preventDefault();
    e.stopPropagation();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, width: width() };
  };
  const onPointerMove = (e: PointerEvent<HTMLSpanElement>) => {
    if (drag.current) resize(drag.current.width + e.clientX - drag.current.x);
  };
  const onPointerUp = (e: PointerEvent<HTMLSpanElement>) => {
    drag.current = null;
    e.currentTarget.releasePointerCapture(e.pointerId);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLSpanElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    e.stopPropagation();
    resize(width() + (e.key === 'ArrowRight' ? KEY_STEP : -KEY_STEP));
  };
  return (
    <th {...rest} ref={cell} style={{ ...rest.style, position: 'relative' }}>
      {children}
      <span
        className="fp-col-resize"
        role="separator"
        aria-orientation="vertical"
        aria-label={resizeLabel}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        // The header sorts on click: a drag or a click on the edge does not.
        onClick={(e) => e.stopPropagation()}
        onKeyDown={onKeyDown}
      />
    </th>
  );
}

export const RESIZE_CSS = `
.fp-manager .fp-col-resize { position: absolute; top: 0; bottom: 0; right: 0; width: 6px; cursor: col-resize; z-index: 2; touch-action: none; }
.fp-manager .fp-col-resize:hover, .fp-manager .fp-col-resize:focus-visible { background: rgba(22, 119, 255, 0.35); outline: none; }
`;
