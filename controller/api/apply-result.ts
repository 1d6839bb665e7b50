/**
 * The response header of PUT/POST on cameras that says what the write did (created, configured or
 * unchanged), as `camlet apply` prints it. On its own so that the CLI reads it without loading the
 * server's modules.
 */
export const APPLY_RESULT_HEADER = 'Camlet-Apply-Result';
