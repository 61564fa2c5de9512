"""HTML pages of the satisfaction app: builder, answering (public and interview), results."""
