/* Internal: what the stream needs of the partial document (src/doc.c). */
#ifndef LLMJ_DOC_INT_H
#define LLMJ_DOC_INT_H

#include <llmjson.h>

/* The writer leaves out an open string once t found the text invalid. */
void llmj__doc_attach(llmj_doc *d, const llmj_tracker *t);

#endif
