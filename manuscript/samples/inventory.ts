// A real program kept next to the chapters: `evergreen check` type-checks and runs it in place,
// and the "Verified samples" chapter shows only the region between the markers.
interface Item {
  name: string;
  count: number;
}

// #region restock
export function restock(items: Item[], minimum: number): Item[] {
  return items.map((item) => (item.count < minimum ? { ...item, count: minimum } : item));
}
// #endregion

const shelf: Item[] = [
  { name: 'tea', count: 1 },
  { name: 'rice', count: 9 },
];
console.log(restock(shelf, 5).map((item) => `${item.name}: ${item.count}`).join(', '));
