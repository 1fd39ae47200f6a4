// Loads every command module once (each registers itself) and re-exports the registry.
import './history-commands.ts';
import './selection-commands.ts';
import './block-commands.ts';
import './clipboard-commands.ts';

export { applyResult, commandForKey, commandNamed, registeredCommands, runCommand, type Command, type CommandGroup } from './command.ts';
