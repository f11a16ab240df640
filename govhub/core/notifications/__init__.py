"""Notifications: email, SMS and in-app messages about things people take part in
(docs/adr/0015-notifications.md). Other apps use `notify` through `govhub.core.api`."""
