/**
 * `workos-dsync`, the Directory Sync command line: the command tree, its
 * exit codes, output formats and output streams.
 *
 * @since 0.1.0
 */
