/**
 * Hybrid logical clock stamps for mutable records: `wall(13 digits)-counter(4)-node`.
 * They sort as strings, so cloud sync can merge per field with last-writer-wins.
 */
export interface Hlc {
  now(): string;
}

export function createHlc(node: string, clock: () => number): Hlc {
  let lastWall = 0;
  let counter = 0;
  return {
    now() {
      const wall = clock();
      if (wall > lastWall) {
        lastWall = wall;
        counter = 0;
      } else {
        counter += 1;
      }
      return `${String(lastWall).padStart(13, '0')}-${String(counter).padStart(4, '0')}-${node}`;
    },
  };
}
