import type { CurvePoint } from '../../api/types';
import { chartNumber } from '../../lib/decimal';

export interface XY {
  quantity: number;
  price: number;
}

/**
 * A stepwise curve as line vertices: each point says "up to this cumulative quantity at this price",
 * so the step runs flat from the previous quantity to this one. Floats here are chart coordinates only.
 */
export function stepVertices(points: readonly CurvePoint[]): XY[] {
  const vertices: XY[] = [];
  let from = 0;
  for (const point of points) {
    const quantity = chartNumber(point.quantity);
    const price = chartNumber(point.price);
    if (quantity === null || price === null) continue;
    vertices.push({ quantity: from, price }, { quantity, price });
    from = quantity;
  }
  return vertices;
}
