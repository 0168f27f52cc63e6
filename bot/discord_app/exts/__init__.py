"""One extension per feature; each module's ``setup`` adds its cog to the bot."""
