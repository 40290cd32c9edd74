"""DynamoDB: tables, items, key conditions, pages."""
