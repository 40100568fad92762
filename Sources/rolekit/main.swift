import RoleKitCLI

await RoleKitCommand.runFromProcessArguments()
