"""Helpers for the data migrations that seed document types (imported by migrations: keep them stable)."""


def remove_unused_types(apps, schema_editor, keys):
    """Unseed: delete the document types ``keys`` that no document was issued under (a type with documents stays:
    their numbers and PDFs refer to it), with their number sequences.

    Raw deletes: when a test migrates backwards, the deletion collector builds its related-object queries against
    historical models of another state and refuses them ("Cannot query DocumentType object: Must be DocumentType
    instance"); the rows to delete are known exactly, so nothing needs collecting.
    """
    DocumentType = apps.get_model("documents", "DocumentType")
    NumberSequence = apps.get_model("documents", "NumberSequence")
    alias = schema_editor.connection.alias
    unused = list(DocumentType.objects.filter(key__in=keys, documents__isnull=True).values_list("pk", flat=True))
    NumberSequence.objects.filter(doc_type_id__in=unused)._raw_delete(alias)
    DocumentType.objects.filter(pk__in=unused)._raw_delete(alias)
