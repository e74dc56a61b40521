//! `relais`: serve the API, migrate, create the first admin, run the demo.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use relais_server::{AppState, Config, app, audit, auth, demo};

#[derive(Parser)]
#[command(
    name = "relais",
    version,
    about = "Relais: appointments and outreach for social workers in police and gendarmerie premises"
)]
struct Cli {
    /// TOML configuration file (settings in the environment override it).
    #[arg(long, global = true, env = "RELAIS_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (migrates the database first).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Create an organisation's first administrator (password from RELAIS_ADMIN_PASSWORD or standard input).
    CreateAdmin {
        #[arg(long)]
        organisation: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Serve a seeded demo organisation from its own data directory, and print how to log in.
    Demo {
        #[arg(long, default_value = "relais-demo")]
        data_dir: PathBuf,
        /// Address:port; default: RELAIS_LISTEN or the configuration's `listen`.
        #[arg(long)]
        listen: Option<String>,
        /// A PostgreSQL database (empty) to seed instead of the data directory's SQLite file.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Print a new random data key (base64 of 32 bytes).
    GenerateKey,
    /// Check that the audit log's hash chain is intact.
    AuditVerify,
    /// Apply the retention rules now (anonymise inactive files); with --dry-run, list only.
    Retention {
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the current TOTP code for a base32 secret (for the demo accounts).
    TotpCode { secret: String },
    /// Print every stored word with its French and English labels (JSON).
    Words,
}

fn load(
    cli_config: Option<&std::path::Path>,
    overrides: &[(&str, String)],
) -> Result<Config, String> {
    let get = |k: &str| {
        overrides
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.clone())
            .or_else(|| std::env::var(k).ok())
    };
    Config::load(cli_config, get).map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("relais: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Words => {
            let g = relais_server::glossary::glossary();
            println!(
                "{}",
                serde_json::to_string_pretty(&g).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        Command::GenerateKey => {
            println!("{}", relais_server::crypto::FieldCipher::generate_key());
            Ok(())
        }
        Command::TotpCode { secret } => {
            let s = data_encoding::BASE32_NOPAD
                .decode(
                    secret
                        .trim()
                        .trim_end_matches('=')
                        .to_ascii_uppercase()
                        .as_bytes(),
                )
                .map_err(|_| "the secret is not base32".to_owned())?;
            let step = auth::totp::step_of(relais_server::clock::wall().timestamp());
            println!("{:06}", auth::totp::hotp(&s, step as u64, 6));
            Ok(())
        }
        Command::Migrate => {
            let config = load(cli.config.as_deref(), &[])?;
            relais_server::init_logging(&config.log_format);
            AppState::start(config).await.map_err(|e| e.to_string())?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::AuditVerify => {
            let config = load(cli.config.as_deref(), &[])?;
            relais_server::init_logging(&config.log_format);
            let state = AppState::start(config).await.map_err(|e| e.to_string())?;
            match audit::verify(state.db()).await.map_err(|e| e.to_string())? {
                audit::ChainCheck::Intact { rows } => {
                    println!("audit log intact: {rows} rows");
                    Ok(())
                }
                audit::ChainCheck::BrokenAt { seq } => Err(format!(
                    "audit log broken at row {seq}: a row was edited, inserted or deleted"
                )),
            }
        }
        Command::CreateAdmin {
            organisation,
            email,
            name,
        } => {
            let config = load(cli.config.as_deref(), &[])?;
            relais_server::init_logging(&config.log_format);
            let password = match std::env::var("RELAIS_ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("Mot de passe (12 caractères au moins), puis Entrée :");
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .map_err(|e| e.to_string())?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let state = AppState::start(config).await.map_err(|e| e.to_string())?;
            let id = relais_server::accounts::create_first_admin(
                &state,
                &organisation,
                &email,
                &name,
                &password,
            )
            .await?;
            println!(
                "admin account {id} created; log in with {email} and enrol an authenticator app (POST /api/v1/auth/totp/enrol)"
            );
            Ok(())
        }
        Command::Retention { dry_run } => {
            let config = load(cli.config.as_deref(), &[])?;
            relais_server::init_logging(&config.log_format);
            let state = AppState::start(config).await.map_err(|e| e.to_string())?;
            let runs = relais_server::retention::run_all(&state, dry_run)
                .await
                .map_err(|e| format!("retention failed: {} ({})", e.code().as_str(), e.status()))?;
            let out: Vec<_> = runs
                .into_iter()
                .map(|(org, run)| serde_json::json!({"organisation_id": org, "run": run}))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        Command::Serve => {
            let config = load(cli.config.as_deref(), &[])?;
            relais_server::init_logging(&config.log_format);
            app::run(config).await
        }
        Command::Demo {
            data_dir,
            listen,
            database_url,
        } => {
            let db = data_dir.join("relais.sqlite");
            let key = data_dir.join("relais.key");
            // The demo's own database and key, always; every other setting as the README's
            // table says (`--listen` wins over RELAIS_LISTEN, which wins over the file).
            let mut overrides = vec![
                (
                    "DATABASE_URL",
                    database_url
                        .clone()
                        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", db.display())),
                ),
                ("RELAIS_DATA_KEY_FILE", key.display().to_string()),
            ];
            if let Some(l) = listen {
                overrides.push(("RELAIS_LISTEN", l));
            }
            let mut config = load(cli.config.as_deref(), &overrides)?;
            // The person's links need an address: the demo's own, unless one is configured.
            if config.public_url.is_empty() {
                config.public_url = format!("http://{}", config.listen);
            }
            relais_server::init_logging(&config.log_format);
            let fresh = if database_url.is_some() {
                !key.exists()
            } else {
                !db.exists()
            };
            if fresh {
                std::fs::create_dir_all(&data_dir)
                    .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
                relais_server::crypto::FieldCipher::create_key_file(&data_dir.join("relais.key"))
                    .map_err(|e| e.to_string())?;
            }
            let state = AppState::start(config.clone())
                .await
                .map_err(|e| e.to_string())?;
            let creds_path = data_dir.join("demo-credentials.json");
            if let Some(creds) = demo::seed(&state).await.map_err(|e| e.to_string())? {
                write_private(
                    &creds_path,
                    &serde_json::to_vec_pretty(&creds).map_err(|e| e.to_string())?,
                )?;
            }
            print_demo(&config.listen, &creds_path);
            drop(state);
            app::run(config).await
        }
    }
}

fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn print_demo(listen: &str, creds_path: &std::path::Path) {
    let text = std::fs::read_to_string(creds_path).unwrap_or_default();
    println!();
    println!("Relais — démo sur http://{listen}");
    println!(
        "  Console (navigateur) : http://{listen}/console   — connexion : adresse, mot de passe, puis le code TOTP du moment"
    );
    println!(
        "  Un an d'activité : rapport de l'an dernier dans Console › Rapport d'activité (admin@demo.relais.test)"
    );
    println!(
        "  API : http://{listen}/api/v1   document OpenAPI : http://{listen}/api/v1/openapi.json"
    );
    println!(
        "  Comptes (mot de passe et secret TOTP) : {}",
        creds_path.display()
    );
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        for a in v["accounts"].as_array().into_iter().flatten() {
            println!(
                "    {:<12} {:<28} secret TOTP {}",
                a["role"].as_str().unwrap_or(""),
                a["email"].as_str().unwrap_or(""),
                a["totp_secret"].as_str().unwrap_or("")
            );
        }
        println!(
            "  Mot de passe de tous les comptes : {}",
            demo::DEMO_PASSWORD
        );
    }
    println!("  Code TOTP du moment : relais totp-code <secret>");
    println!(
        "  Aucun SMS ni e-mail ne part : confirmations et rappels (envoyés et à venir) dans GET /api/v1/dev-outbox (admin)"
    );
    println!("  Exemple :");
    println!(
        "    curl -s http://{listen}/api/v1/auth/login -H 'content-type: application/json' \\"
    );
    println!(
        "      -d '{{\"email\":\"marie@demo.relais.test\",\"password\":\"{}\",\"totp_code\":\"<code>\"}}'",
        demo::DEMO_PASSWORD
    );
    println!();
}
