//! A Relais server process for the multi-process and crash tests: exactly `relais serve`
//! (HTTP, dispatcher, scheduler), configured from the environment. Built with the tests so
//! they can start, kill -9 and restart real processes.

fn main() -> std::process::ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("relais-node: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    rt.block_on(async {
        let config = match relais_server::Config::load(None, |k| std::env::var(k).ok()) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("relais-node: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        relais_server::init_logging(&config.log_format);
        match relais_server::app::run(config).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("relais-node: {e}");
                std::process::ExitCode::FAILURE
            }
        }
    })
}
