"""Service quality (Quyết định 766/QĐ-TTg): ratings, feedback (PAKN), the indicators, the
statistics page and the officials' dashboard. A leaf: it reads dossiers, payments and the hub
sync through their selectors, and nothing imports it (docs/architecture.md)."""
