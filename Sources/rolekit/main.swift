import RoleKitCLI

RoleKitCommand.runFromProcessArguments()
