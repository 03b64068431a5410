"""Static column lineage of SQL: parse, resolve names, trace columns across view chains."""
