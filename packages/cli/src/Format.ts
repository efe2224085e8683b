/**
 * Output formats: `table` for people, `json`, `ndjson` and `csv` for
 * programs. Every format renders page by page, so an export of any size
 * holds one page in memory.
 *
 * - Records are shown as WorkOS sends them: snake_case names and wire values
 *   (a directory's `state` is `linked`, not the client's `active`).
 * - `csv` follows RFC 4180: a header line, CRLF line ends, and a field with a
 *   comma, a double quote, a CR or an LF quoted, its quotes doubled. Its
 *   columns are fixed per kind of record, whatever the data; nested values
 *   (`custom_attributes`, `roles`) are one column each, as JSON text.
 * - `json` is one array (closed even when the export stops early); `ndjson`
 *   is one object a line; `table` aligns columns on the first page and cuts
 *   longer values with `…`.
 *
 * @since 0.1.0
 */

/**
 * An output format.
 *
 * @since 0.1.0
 * @category models
 */
export type Format = "table" | "json" | "ndjson" | "csv"

/**
 * Every format, as `--format` accepts them.
 *
 * @since 0.1.0
 * @category constants
 */
export const formats: ReadonlyArray<Format> = ["table", "json", "ndjson", "csv"]

/**
 * A value of one column.
 *
 * @since 0.1.0
 * @category models
 */
export type Cell = string | number | boolean | null | undefined

/**
 * A column of `csv` and `table` output: its header and how to read it from a record.
 *
 * @since 0.1.0
 * @category models
 */
export interface Column<A> {
  readonly name: string
  readonly get: (record: A) => Cell
}

/**
 * How one kind of record is shown: all its columns (`csv`), the few that fit
 * a terminal (`table`), and its JSON form (`json`, `ndjson`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Layout<A> {
  readonly columns: ReadonlyArray<Column<A>>
  readonly tableColumns: ReadonlyArray<Column<A>>
  readonly json: (record: A) => unknown
}

const text = (cell: Cell): string => cell === null || cell === undefined ? "" : String(cell)

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a double quote, a
 * CR or an LF, with its double quotes doubled.
 *
 * @example
 * ```ts
 * import { Format } from "@effect-workos/cli"
 *
 * Format.csvField(`Doe, "Jane"`) // "\"Doe, \"\"Jane\"\"\""
 * ```
 *
 * @since 0.1.0
 * @category csv
 */
export const csvField = (cell: Cell): string => {
  const value = text(cell)
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, `""`)}"` : value
}

/**
 * One CSV record with its CRLF line end.
 *
 * @since 0.1.0
 * @category csv
 */
export const csvRecord = (cells: ReadonlyArray<Cell>): string => `${cells.map(csvField).join(",")}\r\n`

/**
 * Renders a stream of records piece by piece: `begin` once, `page` for each
 * page in order, `end` once (also after an interruption, so a `json` array is
 * always closed).
 *
 * @since 0.1.0
 * @category models
 */
export interface Renderer<A> {
  readonly begin: () => string
  readonly page: (records: ReadonlyArray<A>) => string
  readonly end: () => string
}

const maxTableWidth = 48

const oneLine = (value: string): string => value.replace(/[\r\n\t]+/g, " ")

const fit = (value: string, width: number): string =>
  value.length > width ? `${value.slice(0, width - 1)}…` : value.padEnd(width)

const tableRenderer = <A>(columns: ReadonlyArray<Column<A>>): Renderer<A> => {
  let widths: ReadonlyArray<number> | undefined
  const line = (cells: ReadonlyArray<string>, of: ReadonlyArray<number>) =>
    cells.map((cell, i) => i === cells.length - 1 ? cell : fit(cell, of[i]!)).join("  ").trimEnd() + "\n"
  const header = columns.map((column) => column.name.toUpperCase())
  return {
    begin: () => "",
    page: (records) => {
      const rows = records.map((record) => columns.map((column) => oneLine(text(column.get(record)))))
      let printed = ""
      if (widths === undefined) {
        widths = header.map((name, i) =>
          Math.min(maxTableWidth, Math.max(name.length, ...rows.map((row) => row[i]!.length)))
        )
        printed = line(header, widths)
      }
      const fixed = widths
      return printed + rows.map((row) => line(row, fixed)).join("")
    },
    end: () => widths === undefined ? line(header, header.map((name) => name.length)) : ""
  }
}

const jsonRenderer = <A>(json: (record: A) => unknown): Renderer<A> => {
  let first = true
  return {
    begin: () => "[",
    page: (records) =>
      records.map((record) => {
        const item = JSON.stringify(json(record), null, 2).replace(/\n/g, "\n  ")
        const separator = first ? "\n  " : ",\n  "
        first = false
        return separator + item
      }).join(""),
    end: () => first ? "]\n" : "\n]\n"
  }
}

/**
 * A renderer of `layout` in `format`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const renderer = <A>(format: Format, layout: Layout<A>): Renderer<A> => {
  switch (format) {
    case "table":
      return tableRenderer(layout.tableColumns)
    case "json":
      return jsonRenderer(layout.json)
    case "ndjson":
      return {
        begin: () => "",
        page: (records) => records.map((record) => `${JSON.stringify(layout.json(record))}\n`).join(""),
        end: () => ""
      }
    case "csv":
      return {
        begin: () => csvRecord(layout.columns.map((column) => column.name)),
        page: (records) =>
          records.map((record) => csvRecord(layout.columns.map((column) => column.get(record)))).join(""),
        end: () => ""
      }
  }
}

/**
 * One record in `format`: `table` lists every column as a `name  value` line,
 * `json` is the object itself (no array).
 *
 * @since 0.1.0
 * @category rendering
 */
export const one = <A>(format: Format, layout: Layout<A>, record: A): string => {
  switch (format) {
    case "table": {
      const width = Math.max(...layout.columns.map((column) => column.name.length))
      return layout.columns.map((column) =>
        `${column.name.padEnd(width)}  ${oneLine(text(column.get(record)))}`.trimEnd()
      )
        .join("\n") + "\n"
    }
    case "json":
      return `${JSON.stringify(layout.json(record), null, 2)}\n`
    default: {
      const render = renderer(format, layout)
      return render.begin() + render.page([record]) + render.end()
    }
  }
}
