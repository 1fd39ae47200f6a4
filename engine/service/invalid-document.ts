// The coded error for a document with errors, naming the first one and where it is: what
// openDocument, validate and the model builder answer alike (one place, below the methods).
// Its text is in the service's catalog (service-errors.ts).
import { serviceErrors } from './service-errors.ts';

export const invalidDocument = serviceErrors.invalidDocument;
