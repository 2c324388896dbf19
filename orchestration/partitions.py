"""One partition per document file, keyed by its path under the raw folder."""

import dagster as dg

document_partitions = dg.DynamicPartitionsDefinition(name="documents")
