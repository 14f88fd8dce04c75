"""Developer tools for Quiver (code generation); not part of the installed server."""
