"""The classroom's operations: lab templates deployed as stacks (`stacks`, with the resource
types in `resources`), the shipped labs (`labs`), and classes of student accounts
(`classes`, with their lab checks in `checks`)."""
