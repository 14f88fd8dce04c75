"""Configuration in Qdrant's layout: section models, sources, and which keys Quiver implements."""
