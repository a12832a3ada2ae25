//! `panelprep completions SHELL` and `panelprep manpage`: shell completion scripts and a roff
//! man page generated from the same clap definitions as the parser, so they never drift.

use clap::CommandFactory;

/// Options of `panelprep completions`.
#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Writes the completion script for `a.shell` to stdout.
pub fn completions<C: CommandFactory>(a: &CompletionsArgs) -> Result<(), panelprep::Error> {
    let mut cmd = C::command();
    clap_complete::generate(a.shell, &mut cmd, "panelprep", &mut std::io::stdout());
    Ok(())
}

/// Writes the man page (`panelprep.1`) to stdout: the command, then a section per subcommand
/// with its synopsis and options.
pub fn manpage<C: CommandFactory>() -> Result<(), panelprep::Error> {
    let cmd = C::command();
    let io = |e: std::io::Error| panelprep::Error::Internal(format!("man page: {e}"));
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut out)
        .map_err(io)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("panelprep {}", sub.get_name());
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        out.extend_from_slice(format!(".SH \"{}\"\n{}\n", name.to_uppercase(), about).as_bytes());
        let page = clap_mangen::Man::new(sub.clone().bin_name(name));
        page.render_synopsis_section(&mut out).map_err(io)?;
        page.render_options_section(&mut out).map_err(io)?;
    }
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out).map_err(io)
}
