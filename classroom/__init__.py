"""The classroom's data: lab-template stacks, classes and their student accounts (models,
migrations) and the pure template reader (`classroom.cfn`). Operations are in
`domain.classroom`."""
