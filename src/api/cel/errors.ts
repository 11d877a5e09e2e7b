// Typed failures of the CEL layer: an expression that does not compile, one that fails while it
// runs, and one that ran out of its cost budget (upstream's "operation cancelled: actual cost
// limit exceeded"). Callers map them onto their own messages (policy status, field errors).

/** The expression does not parse or refers to something undeclared. `message` is cel-go's report. */
export class CelCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelCompileError';
  }
}

/** Evaluation failed (no such key, division by zero, a library function's error, ...). */
export class CelEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelEvalError';
  }
}

/** The expression spent more than its budget. */
export class CelCostLimitError extends CelEvalError {
  constructor(message = 'operation cancelled: actual cost limit exceeded') {
    super(message);
    this.name = 'CelCostLimitError';
  }
}
