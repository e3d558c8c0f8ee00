import type { Column, Table } from 'drizzle-orm';

/**
 * A column's value as better-sqlite3 hands it back, without drizzle's mapping: booleans are 0/1,
 * JSON is its text, timestamps are numbers; a text enum keeps its union.
 */
type RawValue<C extends Column> = C['_']['dataType'] extends 'boolean'
  ? number
  : C['_']['dataType'] extends 'json'
    ? string
    : C['_']['dataType'] extends 'date'
      ? number
      : C['_']['data'];

type Nullable<C extends Column, V> = C['_']['notNull'] extends true ? V : V | null;

/**
 * A table's row as hand-written SQL returns it, keyed by the columns' names in the database and
 * typed from the drizzle schema. Statements name the columns they read through it
 * (`Cols<typeof products, 'id' | 'name'>`), so renaming or retyping a column in the schema fails
 * the typecheck wherever a statement reads it.
 */
export type SqlRow<T extends Table> = {
  [K in keyof T['_']['columns'] as T['_']['columns'][K]['_']['name']]: Nullable<T['_']['columns'][K], RawValue<T['_']['columns'][K]>>;
};

/** Some columns of a table's row, by their names in the database. */
export type Cols<T extends Table, K extends keyof SqlRow<T>> = Pick<SqlRow<T>, K>;

/**
 * Some columns under their drizzle property names, for statements that alias each column to it
 * (`closed_at AS closedAt`): `PropCols<typeof shiftCloses, 'closedAt'>`.
 */
export type PropCols<T extends Table, K extends keyof T['_']['columns']> = {
  [P in K]: Nullable<T['_']['columns'][P], RawValue<T['_']['columns'][P]>>;
};

/** Columns of an outer-joined table: each is null when no row matched. */
export type Outer<R> = { [K in keyof R]: R[K] | null };
