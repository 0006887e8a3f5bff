//! The `tls` kind: connect, handshake, and report the days left on the peer's certificate.
//! Also home of the rustls client configuration the http and prometheus kinds share.
//!
//! Provider: rustls with `ring` — sqlx already builds it, so no second crypto library (aws-lc
//! needs cmake and a long C build). Roots: the system store via rustls-platform-verifier (so
//! internal CAs installed on the host are trusted), falling back to the bundled Mozilla roots
//! (webpki-roots) when the host has none.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::Deserialize;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use toml::Spanned;

use super::spec::{Check, Reads, SourceKind};
use super::tcp::{check_address, connect_timeout, not_connected};
use super::units::Unit;
use super::{Observation, Operand, Probe, SourceError, SourceSpec, with_timeout};

const SECONDS_PER_DAY: f64 = 86_400.0;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    address: Spanned<String>,
    server_name: Option<Spanned<String>>,
    insecure_skip_verify: Option<Spanned<bool>>,
}

#[derive(Debug, Clone)]
pub struct Spec {
    /// host:port
    pub address: String,
    /// SNI / certificate name; default: the host of `address`.
    pub server_name: Option<String>,
    /// Only when the layout says `insecure_skip_verify = true` in so many words.
    pub insecure_skip_verify: bool,
}

impl SourceKind for Spec {
    type File = File;

    fn check(f: File, check: &mut Check<'_>) -> Spec {
        let address = check.env(&f.address, "address");
        check_address(check, &f.address, &address);
        let server_name = f.server_name.as_ref().map(|n| check.env(n, "server_name"));
        if let (Some(written), Some(name)) = (&f.server_name, &server_name)
            && ServerName::try_from(name.clone()).is_err()
        {
            check.problem(
                written.span(),
                "server_name",
                format!("{:?} is not a host name", written.get_ref()),
            );
        }
        Spec {
            address,
            server_name,
            insecure_skip_verify: f.insecure_skip_verify.is_some_and(|v| *v.get_ref()),
        }
    }

    fn reads(&self) -> Reads {
        Reads {
            connected: true,
            value: true,
            value_unit: Some(Unit::Days),
            ..Reads::default()
        }
    }

    fn probe(&self, spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError> {
        Ok(Box::new(TlsProbe::new(
            self,
            spec.timeout,
            spec.judges(&Operand::Connected),
        )?))
    }
}

/// `[CONNECTED]` is about reaching the port: a refused or silent port is `connected = false`
/// for the condition to judge, while a failed handshake stays an error with its reason (an
/// expired or unknown certificate must say so).
pub struct TlsProbe {
    address: String,
    server_name: ServerName<'static>,
    connector: TlsConnector,
    timeout: Duration,
    judges_connected: bool,
}

impl TlsProbe {
    pub fn new(
        spec: &Spec,
        timeout: Duration,
        judges_connected: bool,
    ) -> Result<TlsProbe, SourceError> {
        let Spec {
            address,
            server_name,
            insecure_skip_verify,
        } = spec;
        let name = match server_name {
            Some(name) => name.clone(),
            None => host_of(address)?,
        };
        let server_name = ServerName::try_from(name.clone())
            .map_err(|e| SourceError::Invalid(format!("invalid TLS server name `{name}`: {e}")))?;
        let config = client_config(*insecure_skip_verify)?;
        if !insecure_skip_verify {
            warm_roots();
        }
        Ok(TlsProbe {
            address: address.clone(),
            server_name,
            connector: TlsConnector::from(Arc::new(config)),
            timeout,
            judges_connected,
        })
    }

    async fn poll_once(&self) -> Result<Observation, SourceError> {
        let started = Instant::now();
        let tcp = match tokio::time::timeout(
            connect_timeout(self.timeout),
            TcpStream::connect(&self.address),
        )
        .await
        {
            Ok(Ok(tcp)) => tcp,
            _ if self.judges_connected => return Ok(not_connected(started.elapsed())),
            Ok(Err(e)) => {
                return Err(SourceError::Connect(super::connect_cause(&e, &self.address)));
            }
            Err(_) => return Err(SourceError::Timeout(self.timeout)),
        };
        let tls = self
            .connector
            .connect(self.server_name.clone(), tcp)
            .await
            .map_err(|e| {
                SourceError::Failed(format!("TLS handshake with {} failed: {e}", self.address))
            })?;
        let elapsed = started.elapsed();
        let (_, session) = tls.get_ref();
        let cert = session
            .peer_certificates()
            .and_then(|certs| certs.first())
            .ok_or_else(|| SourceError::Failed("the server sent no certificate".into()))?;
        let not_after = not_after(cert)?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|e| SourceError::Failed(format!("system clock before 1970: {e}")))?;
        // i64 seconds to f64 is exact for any real date; days are what the operator reads.
        let days = (not_after as f64 - now.as_secs_f64()) / SECONDS_PER_DAY;
        Ok(Observation {
            connected: Some(true),
            value: Some(days),
            elapsed,
            ..Observation::default()
        })
    }
}

impl Probe for TlsProbe {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>> {
        Box::pin(with_timeout(self.timeout, self.poll_once()))
    }
}

/// The certificate's notAfter as Unix seconds.
fn not_after(cert: &CertificateDer<'_>) -> Result<i64, SourceError> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref())
        .map_err(|e| SourceError::Failed(format!("cannot read the server certificate: {e}")))?;
    Ok(parsed.validity().not_after.timestamp())
}

/// `host` of `host:port` or `[v6]:port`, for SNI when the layout names no server.
fn host_of(address: &str) -> Result<String, SourceError> {
    let host = match address.rsplit_once(':') {
        Some((host, _port)) => host,
        None => address,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(SourceError::Invalid(format!(
            "`{address}` has no host: expected host:port"
        )));
    }
    Ok(host.to_string())
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls client configuration for every TLS-speaking kind. With `insecure_skip_verify`
/// any certificate is accepted (handshake signatures are still checked), which the layout
/// only allows when it says so in so many words.
pub(crate) fn client_config(insecure_skip_verify: bool) -> Result<ClientConfig, SourceError> {
    let provider = provider();
    let verifier = Arc::new(Verifier {
        provider: provider.clone(),
        check_roots: !insecure_skip_verify,
    });
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SourceError::Invalid(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// The host's roots, read at the first certificate to check rather than when a client is
/// made: reading them walks every file in /etc/ssl/certs (tens of milliseconds and a few
/// hundred KiB), which a layout of plain http:// sources never needs, and which used to sit
/// between the start and the first frame. Read once for the process, whatever the number of
/// clients; [`warm_roots`] reads them off the runtime's thread when a layout has https or tls
/// sources, so that the first handshake does not stall the screen.
type Roots = Result<Arc<dyn ServerCertVerifier>, rustls::Error>;

static ROOTS: std::sync::OnceLock<Roots> = std::sync::OnceLock::new();

/// The system store, or the bundled Mozilla roots when the host has none.
fn load_roots(provider: Arc<CryptoProvider>) -> Roots {
    match rustls_platform_verifier::Verifier::new(provider.clone()) {
        Ok(v) => Ok(Arc::new(v)),
        Err(_) => {
            let roots = RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map(|v| v as Arc<dyn ServerCertVerifier>)
                .map_err(|e| rustls::Error::General(format!("cannot load TLS roots: {e}")))
        }
    }
}

/// Starts reading the host's roots on the blocking pool, if a runtime is there to run it
/// and nobody has read them yet.
pub(crate) fn warm_roots() {
    if ROOTS.get().is_some() {
        return;
    }
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn_blocking(|| ROOTS.get_or_init(|| load_roots(provider())).is_ok());
    }
}

/// The certificate against the host's roots (or, with `insecure_skip_verify`, any
/// certificate); handshake signatures always, with the provider's algorithms, as the
/// platform verifier itself checks them, so the roots stay unread until a certificate comes.
#[derive(Debug)]
struct Verifier {
    provider: Arc<CryptoProvider>,
    check_roots: bool,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if !self.check_roots {
            return Ok(ServerCertVerified::assertion());
        }
        let roots = ROOTS
            .get_or_init(|| load_roots(self.provider.clone()))
            .as_ref()
            .map_err(Clone::clone)?;
        roots.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_strips_port_and_brackets() {
        assert_eq!(host_of("example.com:443").ok(), Some("example.com".into()));
        assert_eq!(host_of("[::1]:8443").ok(), Some("::1".into()));
        assert!(host_of(":443").is_err());
    }
}
