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

/** `closed_at` → `closedAt`. */
type Camel<S extends string> = S extends `${infer H}_${infer R}` ? `${H}${Capitalize<Camel<R>>}` : S;

/**
 * A table's row under the camelCase of its columns' database names, as statements alias them
 * (`closed_at AS closedAt`): renaming the column in the database still fails the typecheck.
 */
export type CamelRow<T extends Table> = {
  [K in keyof T['_']['columns'] as Camel<T['_']['columns'][K]['_']['name']>]: Nullable<
    T['_']['columns'][K],
    RawValue<T['_']['columns'][K]>
  >;
};

/** Some columns under those aliases: `CamelCols<typeof shiftCloses, 'closedAt' | 'report'>`. */
export type CamelCols<T extends Table, K extends keyof CamelRow<T>> = Pick<CamelRow<T>, K>;

/** Columns of an outer-joined table: each is null when no row matched. */
export type Outer<R> = { [K in keyof R]: R[K] | null };
