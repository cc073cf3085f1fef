# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ingress_auth_global_optspecs
    string join \n h/help V/version
end

function __fish_ingress_auth_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ingress_auth_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ingress_auth_using_subcommand
    set -l cmd (__fish_ingress_auth_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ingress-auth -n "__fish_ingress_auth_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ingress-auth -n "__fish_ingress_auth_needs_command" -s V -l version -d 'Print version'
complete -c ingress-auth -n "__fish_ingress_auth_needs_command" -f -a "secret" -d 'Print an auth Secret (htpasswd users) for the controller'
complete -c ingress-auth -n "__fish_ingress_auth_needs_command" -f -a "ingress" -d 'Print an Ingress with the basic-auth annotations (and Traefik\'s Middleware, or Envoy Gateway\'s SecurityPolicy and HTTPRoute)'
complete -c ingress-auth -n "__fish_ingress_auth_needs_command" -f -a "generate" -d 'Print the Secret and the auth resources as one stream (Secret first), optionally with a NetworkPolicy'
complete -c ingress-auth -n "__fish_ingress_auth_needs_command" -f -a "annotate" -d 'Add the auth annotations to the Ingresses of a YAML or JSON stream'
complete -c ingress-auth -n "__fish_ingress_auth_needs_command" -f -a "verify" -d 'Check a user\'s password against an auth Secret manifest (exit 0 match, 3 mismatch, 6 no such user). The password is read from standard input'
complete -c ingress-auth -n "__fish_ingress_auth_needs_command" -f -a "users" -d 'List the users of an auth Secret manifest, their hash schemes, and who can check them'
complete -c ingress-auth -n "__fish_ingress_auth_needs_command" -f -a "migrate" -d 'Turn an ingress-nginx basic-auth Ingress and its Secret into another controller\'s'
complete -c ingress-auth -n "__fish_ingress_auth_needs_command" -f -a "serve" -d 'Serve forward-auth checks against an htpasswd file (nginx auth_request, Traefik ForwardAuth, Caddy forward_auth, Envoy ext_authz over HTTP, the Gateway API ExternalAuth filter)'
complete -c ingress-auth -n "__fish_ingress_auth_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -l name -d 'Object name (DNS-1123 subdomain)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -s n -l namespace -d 'Namespace (DNS-1123 label); omitted: left to `kubectl apply -n`' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -s o -l output -d 'Output format' -r -f -a "yaml\t'YAML (documents separated by ---)'
json\t'JSON (several objects as a v1 List)'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -l controller -d 'The ingress controller the manifests are for' -r -f -a "ingress-nginx\t'ingress-nginx (nginx.ingress.kubernetes.io annotations)'
traefik\t'Traefik v3 (Middleware + router.middlewares annotation)'
envoy-gateway\t'Envoy Gateway (SecurityPolicy on an HTTPRoute; {SHA} hashes only)'
nginx-inc\t'NGINX Inc\'s ingress controller (nginx.org annotations)'
haproxy\t'HAProxy Technologies\' kubernetes-ingress (haproxy.org annotations; crypt(3) hashes)'
kgateway\t'kgateway (TrafficPolicy on an HTTPRoute; {SHA} hashes only)'
agentgateway\t'agentgateway (AgentgatewayPolicy on an HTTPRoute; apr1, bcrypt, {SHA}, DES)'
nginx-gateway-fabric\t'NGINX Gateway Fabric (AuthenticationFilter named by the HTTPRoute\'s rules)'
gateway-api\t'Any Gateway API implementation with the experimental HTTPRoute ExternalAuth filter (no basic auth of its own: --auth-server only)'
istio\t'Istio (HTTPRoute + AuthorizationPolicy action CUSTOM on its Gateway; no basic auth of its own: --auth-server only)'
kong\t'Kong (KongPlugins basic-auth + acl named by konghq.com/plugins; a KongConsumer and a credential Secret per user; passwords in clear: no htpasswd input)'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -l user -d 'A user: NAME (a strong random password is generated) or NAME:PASSWORD. Repeatable' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -l users-file -d 'A file of NAME:PASSWORD lines (blank lines and lines starting with # are skipped)' -r -F
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -l htpasswd -d 'An existing htpasswd file, taken as it is (CRLF normalised). Not for kong, which takes passwords in clear' -r -F
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -l scheme -d 'Hash scheme for passwords given in clear [default: apr1; envoy-gateway: sha1; haproxy: sha512; kong: none, Kong hashes the password itself]' -r -f -a "apr1\t'$apr1$ (Apache MD5, what `openssl passwd -apr1` writes)'
bcrypt\t'bcrypt $2y$, cost 5 (passwords up to 72 bytes)'
sha256\t'SHA-256-crypt $5$'
sha512\t'SHA-512-crypt $6$'
sha1\t'Unsalted {SHA} (weak)'
yescrypt\t'yescrypt $y$, libxcrypt\'s cost 5 (nginx/Apache on libxcrypt; no ingress controller)'
argon2id\t'argon2id, 19 MiB, 2 passes (Caddy 2.11+; no ingress controller)'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -l secret-type -d 'How the Secret holds its users [default: auth-file; haproxy: auth-map]' -r -f -a "auth-file\t'One key holding the htpasswd file (auth, traefik users, envoy-gateway and kgateway .htpasswd, agentgateway .htaccess, nginx-inc htpasswd, nginx-gateway-fabric auth)'
auth-map\t'One key per user'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -l credentials-file -d 'Write generated NAME:PASSWORD lines to this new file (mode 0600) instead of stderr. Without it, generated passwords are printed on stderr only when stderr is a terminal' -r -F
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -l password-stdin -d 'Read the password of the one --user NAME from standard input'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -l show-passwords -d 'Print generated NAME:PASSWORD lines on stderr even when it is not a terminal (where a log may keep them)'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand secret" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l name -d 'Object name (DNS-1123 subdomain)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -s n -l namespace -d 'Namespace (DNS-1123 label); omitted: left to `kubectl apply -n`' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -s o -l output -d 'Output format' -r -f -a "yaml\t'YAML (documents separated by ---)'
json\t'JSON (several objects as a v1 List)'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l controller -d 'The ingress controller the manifests are for' -r -f -a "ingress-nginx\t'ingress-nginx (nginx.ingress.kubernetes.io annotations)'
traefik\t'Traefik v3 (Middleware + router.middlewares annotation)'
envoy-gateway\t'Envoy Gateway (SecurityPolicy on an HTTPRoute; {SHA} hashes only)'
nginx-inc\t'NGINX Inc\'s ingress controller (nginx.org annotations)'
haproxy\t'HAProxy Technologies\' kubernetes-ingress (haproxy.org annotations; crypt(3) hashes)'
kgateway\t'kgateway (TrafficPolicy on an HTTPRoute; {SHA} hashes only)'
agentgateway\t'agentgateway (AgentgatewayPolicy on an HTTPRoute; apr1, bcrypt, {SHA}, DES)'
nginx-gateway-fabric\t'NGINX Gateway Fabric (AuthenticationFilter named by the HTTPRoute\'s rules)'
gateway-api\t'Any Gateway API implementation with the experimental HTTPRoute ExternalAuth filter (no basic auth of its own: --auth-server only)'
istio\t'Istio (HTTPRoute + AuthorizationPolicy action CUSTOM on its Gateway; no basic auth of its own: --auth-server only)'
kong\t'Kong (KongPlugins basic-auth + acl named by konghq.com/plugins; a KongConsumer and a credential Secret per user; passwords in clear: no htpasswd input)'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l host -d 'Host of the main rule (lower-case DNS name, optionally *.)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l service -d 'Backend Service of the main rule' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l port -d 'Backend Service port of the main rule: number or name' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l path -d 'Path of the main rule' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l path-type -d 'Path type of the main rule' -r -f -a "Prefix\t'Match by `/`-separated prefix'
Exact\t'Match the whole path'
ImplementationSpecific\t'As the controller chooses'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l rule -d 'More rules in kubectl\'s syntax: host/path=svc:port[,tls[=secret]] (path* = Prefix)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l class -d 'IngressClass name (spec.ingressClassName)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l tls-secret -d 'TLS Secret for the main rule\'s host' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l cluster-issuer -d 'cert-manager ClusterIssuer (annotation cert-manager.io/cluster-issuer)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l realm -d 'The realm shown in the browser\'s login prompt' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l no-auth-path -d 'A path served without auth, on a second Ingress (HTTPRoute) NAME-no-auth with the backend of the rule that routes it: PATH is Exact, PATH* a Prefix. Repeatable' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l httproute -d 'envoy-gateway: the HTTPRoute the SecurityPolicy targets (default: --name)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l gateway -d 'Gateway API targets: also write the HTTPRoute, attached to this Gateway (NAME or NS/NAME), from --host/--service/--port/--path/--rule (required for gateway-api and istio; istio\'s AuthorizationPolicy targets this Gateway)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l auth-secret -d 'The auth Secret: NAME or NAMESPACE/NAME (traefik: also the Middleware\'s name and namespace; envoy-gateway: NAME only; kong: NAME of the KongPlugins NAME-basic-auth and NAME-acl, whose users `secret --controller kong --name NAME` writes)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l secret-type -d 'How the auth Secret holds its users (ingress-nginx annotation auth-secret-type) [default: auth-file; haproxy: auth-map]' -r -f -a "auth-file\t'One key holding the htpasswd file (auth, traefik users, envoy-gateway and kgateway .htpasswd, agentgateway .htaccess, nginx-inc htpasswd, nginx-gateway-fabric auth)'
auth-map\t'One key per user'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -l no-ssl-redirect -d 'Turn off the HTTP to HTTPS redirect (ingress-nginx, nginx-inc, haproxy annotation)'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand ingress" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l name -d 'Object name (DNS-1123 subdomain)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -s n -l namespace -d 'Namespace (DNS-1123 label); omitted: left to `kubectl apply -n`' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -s o -l output -d 'Output format' -r -f -a "yaml\t'YAML (documents separated by ---)'
json\t'JSON (several objects as a v1 List)'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l controller -d 'The ingress controller the manifests are for' -r -f -a "ingress-nginx\t'ingress-nginx (nginx.ingress.kubernetes.io annotations)'
traefik\t'Traefik v3 (Middleware + router.middlewares annotation)'
envoy-gateway\t'Envoy Gateway (SecurityPolicy on an HTTPRoute; {SHA} hashes only)'
nginx-inc\t'NGINX Inc\'s ingress controller (nginx.org annotations)'
haproxy\t'HAProxy Technologies\' kubernetes-ingress (haproxy.org annotations; crypt(3) hashes)'
kgateway\t'kgateway (TrafficPolicy on an HTTPRoute; {SHA} hashes only)'
agentgateway\t'agentgateway (AgentgatewayPolicy on an HTTPRoute; apr1, bcrypt, {SHA}, DES)'
nginx-gateway-fabric\t'NGINX Gateway Fabric (AuthenticationFilter named by the HTTPRoute\'s rules)'
gateway-api\t'Any Gateway API implementation with the experimental HTTPRoute ExternalAuth filter (no basic auth of its own: --auth-server only)'
istio\t'Istio (HTTPRoute + AuthorizationPolicy action CUSTOM on its Gateway; no basic auth of its own: --auth-server only)'
kong\t'Kong (KongPlugins basic-auth + acl named by konghq.com/plugins; a KongConsumer and a credential Secret per user; passwords in clear: no htpasswd input)'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l user -d 'A user: NAME (a strong random password is generated) or NAME:PASSWORD. Repeatable' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l users-file -d 'A file of NAME:PASSWORD lines (blank lines and lines starting with # are skipped)' -r -F
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l htpasswd -d 'An existing htpasswd file, taken as it is (CRLF normalised). Not for kong, which takes passwords in clear' -r -F
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l scheme -d 'Hash scheme for passwords given in clear [default: apr1; envoy-gateway: sha1; haproxy: sha512; kong: none, Kong hashes the password itself]' -r -f -a "apr1\t'$apr1$ (Apache MD5, what `openssl passwd -apr1` writes)'
bcrypt\t'bcrypt $2y$, cost 5 (passwords up to 72 bytes)'
sha256\t'SHA-256-crypt $5$'
sha512\t'SHA-512-crypt $6$'
sha1\t'Unsalted {SHA} (weak)'
yescrypt\t'yescrypt $y$, libxcrypt\'s cost 5 (nginx/Apache on libxcrypt; no ingress controller)'
argon2id\t'argon2id, 19 MiB, 2 passes (Caddy 2.11+; no ingress controller)'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l secret-type -d 'How the Secret holds its users [default: auth-file; haproxy: auth-map]' -r -f -a "auth-file\t'One key holding the htpasswd file (auth, traefik users, envoy-gateway and kgateway .htpasswd, agentgateway .htaccess, nginx-inc htpasswd, nginx-gateway-fabric auth)'
auth-map\t'One key per user'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l credentials-file -d 'Write generated NAME:PASSWORD lines to this new file (mode 0600) instead of stderr. Without it, generated passwords are printed on stderr only when stderr is a terminal' -r -F
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l host -d 'Host of the main rule (lower-case DNS name, optionally *.)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l service -d 'Backend Service of the main rule' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l port -d 'Backend Service port of the main rule: number or name' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l path -d 'Path of the main rule' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l path-type -d 'Path type of the main rule' -r -f -a "Prefix\t'Match by `/`-separated prefix'
Exact\t'Match the whole path'
ImplementationSpecific\t'As the controller chooses'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l rule -d 'More rules in kubectl\'s syntax: host/path=svc:port[,tls[=secret]] (path* = Prefix)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l class -d 'IngressClass name (spec.ingressClassName)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l tls-secret -d 'TLS Secret for the main rule\'s host' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l cluster-issuer -d 'cert-manager ClusterIssuer (annotation cert-manager.io/cluster-issuer)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l realm -d 'The realm shown in the browser\'s login prompt' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l no-auth-path -d 'A path served without auth, on a second Ingress (HTTPRoute) NAME-no-auth with the backend of the rule that routes it: PATH is Exact, PATH* a Prefix. Repeatable' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l httproute -d 'envoy-gateway: the HTTPRoute the SecurityPolicy targets (default: --name)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l gateway -d 'Gateway API targets: also write the HTTPRoute, attached to this Gateway (NAME or NS/NAME), from --host/--service/--port/--path/--rule (required for gateway-api and istio; istio\'s AuthorizationPolicy targets this Gateway)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l pod-selector -d 'A label KEY=VALUE of the backend\'s pods. Repeatable' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l target-port -d 'The backend pods\' port (the Service\'s targetPort): number or name' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l controller-namespace -d 'The namespace of the controller\'s pods (--network-policy, --auth-server) [default: the controller\'s Helm chart\'s]' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l controller-selector -d 'A label KEY=VALUE of the controller\'s pods (--network-policy, --auth-server). Repeatable [default: the controller\'s app.kubernetes.io/name]' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l auth-server -d 'Check passwords with `ingress-auth serve` running in the cluster from this image (no default: build it from the Containerfile and push it to your registry): also writes its Deployment, Service, PodDisruptionBudget and NetworkPolicy (NAME-auth-server), and wires the controller to it (ingress-nginx auth-url, traefik forwardAuth, envoy-gateway extAuth, kgateway GatewayExtension, gateway-api ExternalAuth filter, istio AuthorizationPolicy CUSTOM with the meshConfig extension provider as a comment). Every hash scheme serve checks is kept (apr1, bcrypt, SHA-crypt, {SHA}, ...). Needs --namespace' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l trusted-proxy -d 'A network whose X-Forwarded-For names the client (serve --trusted-proxy): the controller\'s pod CIDR. Repeatable [default: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fd00::/8; only the controller\'s pods can reach the server]' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l auth-protocol -d 'envoy-gateway, istio, gateway-api: how the proxy asks the server (ext_authz gRPC, or HTTP) [default: grpc; gateway-api: http]' -r -f -a "grpc\t''
http\t''"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l password-stdin -d 'Read the password of the one --user NAME from standard input'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l show-passwords -d 'Print generated NAME:PASSWORD lines on stderr even when it is not a terminal (where a log may keep them)'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l no-ssl-redirect -d 'Turn off the HTTP to HTTPS redirect (ingress-nginx, nginx-inc, haproxy annotation)'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -l network-policy -d 'Also write a NetworkPolicy admitting the backend\'s pods only from the controller\'s pods (basic auth at the ingress guards only traffic that passes the ingress)'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand generate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand annotate" -s f -l filename -d 'Input stream (YAML or JSON); - for standard input' -r -F
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand annotate" -l auth-secret -d 'The auth Secret: NAME or NAMESPACE/NAME' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand annotate" -l realm -d 'The realm shown in the browser\'s login prompt' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand annotate" -l ingress -d 'Only the Ingress with this name' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand annotate" -l secret-type -d 'How the auth Secret holds its users (annotation auth-secret-type)' -r -f -a "auth-file\t'One key holding the htpasswd file (auth, traefik users, envoy-gateway and kgateway .htpasswd, agentgateway .htaccess, nginx-inc htpasswd, nginx-gateway-fabric auth)'
auth-map\t'One key per user'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand annotate" -l cluster-issuer -d 'cert-manager ClusterIssuer (annotation cert-manager.io/cluster-issuer)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand annotate" -l max-input-size -d 'Refuse input larger than this: bytes, or with a K, M or G suffix (KiB, MiB, GiB)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand annotate" -l no-ssl-redirect -d 'Set nginx.ingress.kubernetes.io/ssl-redirect: "false"'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand annotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand verify" -s f -l filename -d 'The Secret manifest (YAML or JSON; a stream or List is searched); not standard input, which holds the password' -r -F
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand verify" -l user -d 'The user to check' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand verify" -l secret -d 'The Secret\'s name, when the input holds several' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand verify" -l max-input-size -d 'Refuse input larger than this: bytes, or with a K, M or G suffix (KiB, MiB, GiB)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand users" -s f -l filename -d 'The Secret manifest (YAML or JSON; a stream or List is searched); - for standard input' -r -F
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand users" -l secret -d 'The Secret\'s name, when the input holds several' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand users" -l max-input-size -d 'Refuse input larger than this: bytes, or with a K, M or G suffix (KiB, MiB, GiB)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand users" -s h -l help -d 'Print help'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l to -d 'The controller to move to' -r -f -a "ingress-nginx\t'ingress-nginx (nginx.ingress.kubernetes.io annotations)'
traefik\t'Traefik v3 (Middleware + router.middlewares annotation)'
envoy-gateway\t'Envoy Gateway (SecurityPolicy on an HTTPRoute; {SHA} hashes only)'
nginx-inc\t'NGINX Inc\'s ingress controller (nginx.org annotations)'
haproxy\t'HAProxy Technologies\' kubernetes-ingress (haproxy.org annotations; crypt(3) hashes)'
kgateway\t'kgateway (TrafficPolicy on an HTTPRoute; {SHA} hashes only)'
agentgateway\t'agentgateway (AgentgatewayPolicy on an HTTPRoute; apr1, bcrypt, {SHA}, DES)'
nginx-gateway-fabric\t'NGINX Gateway Fabric (AuthenticationFilter named by the HTTPRoute\'s rules)'
gateway-api\t'Any Gateway API implementation with the experimental HTTPRoute ExternalAuth filter (no basic auth of its own: --auth-server only)'
istio\t'Istio (HTTPRoute + AuthorizationPolicy action CUSTOM on its Gateway; no basic auth of its own: --auth-server only)'
kong\t'Kong (KongPlugins basic-auth + acl named by konghq.com/plugins; a KongConsumer and a credential Secret per user; passwords in clear: no htpasswd input)'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -s f -l filename -d 'The ingress-nginx Ingress and its auth Secret (YAML or JSON stream); - for standard input' -r -F
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l ingress -d 'The Ingress to migrate, when the input holds several with basic auth' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l httproute -d 'envoy-gateway: the HTTPRoute the SecurityPolicy targets (default: the Ingress\'s name)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -s n -l namespace -d 'The namespace of an input Ingress that names none' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l class -d 'spec.ingressClassName of the migrated Ingress (default: unchanged)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -s o -l output -d 'Output format' -r -f -a "yaml\t'YAML (documents separated by ---)'
json\t'JSON (several objects as a v1 List)'"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l max-input-size -d 'Refuse input larger than this: bytes, or with a K, M or G suffix (KiB, MiB, GiB)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l auth-server -d 'Check passwords with `ingress-auth serve` running in the cluster from this image (no default: build it from the Containerfile and push it to your registry): also writes its Deployment, Service, PodDisruptionBudget and NetworkPolicy (NAME-auth-server), and wires the controller to it (ingress-nginx auth-url, traefik forwardAuth, envoy-gateway extAuth, kgateway GatewayExtension, gateway-api ExternalAuth filter, istio AuthorizationPolicy CUSTOM with the meshConfig extension provider as a comment). Every hash scheme serve checks is kept (apr1, bcrypt, SHA-crypt, {SHA}, ...). Needs --namespace' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l trusted-proxy -d 'A network whose X-Forwarded-For names the client (serve --trusted-proxy): the controller\'s pod CIDR. Repeatable [default: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fd00::/8; only the controller\'s pods can reach the server]' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l auth-protocol -d 'envoy-gateway, istio, gateway-api: how the proxy asks the server (ext_authz gRPC, or HTTP) [default: grpc; gateway-api: http]' -r -f -a "grpc\t''
http\t''"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l controller-namespace -d '--auth-server: the namespace of the controller\'s (proxy) pods, the only ones the server\'s NetworkPolicy admits [default: the controller\'s Helm chart\'s]' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l controller-selector -d '--auth-server: a label KEY=VALUE of the controller\'s (proxy) pods. Repeatable [default: the controller\'s app.kubernetes.io/name]' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l gateway -d 'gateway-api, istio (with --auth-server): the Gateway (NAME or NS/NAME) the HTTPRoute made from the Ingress is attached to' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -l allow-missing-users -d 'Write the result even when some users\' hashes cannot be checked by the target (they are left out and named on stderr)'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand serve" -l htpasswd -d 'The htpasswd file (reloaded when it changes; missing at start: not ready, every check 401)' -r -F
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand serve" -l listen -d 'Where to serve HTTP checks; port 0 picks a free port. The bound address is the first line on standard error: `listening on http://ADDR:PORT`' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand serve" -l grpc-listen -d 'Also serve Envoy\'s ext_authz gRPC service (`envoy.service.auth.v3.Authorization/Check`) here; port 0 picks a free port (logged as `listening on grpc://ADDR:PORT`)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand serve" -l realm -d 'The realm of the `WWW-Authenticate` challenge' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand serve" -l user-header -d 'The response header that carries the authenticated user name' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand serve" -l trusted-proxy -d 'A proxy network (CIDR or one address) whose X-Forwarded-For (right-most entry outside the trusted ranges) or X-Real-IP names the client. Repeatable. Without it the client is the connection\'s peer' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand serve" -l log-format -d 'Log lines as text or as JSON objects (one per line, on standard error)' -r -f -a "text\t''
json\t''"
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand serve" -l reload-interval -d 'How often the file is checked for changes: a number with ms or s (0: never)' -r
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand help; and not __fish_seen_subcommand_from secret ingress generate annotate verify users migrate serve help" -f -a "secret" -d 'Print an auth Secret (htpasswd users) for the controller'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand help; and not __fish_seen_subcommand_from secret ingress generate annotate verify users migrate serve help" -f -a "ingress" -d 'Print an Ingress with the basic-auth annotations (and Traefik\'s Middleware, or Envoy Gateway\'s SecurityPolicy and HTTPRoute)'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand help; and not __fish_seen_subcommand_from secret ingress generate annotate verify users migrate serve help" -f -a "generate" -d 'Print the Secret and the auth resources as one stream (Secret first), optionally with a NetworkPolicy'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand help; and not __fish_seen_subcommand_from secret ingress generate annotate verify users migrate serve help" -f -a "annotate" -d 'Add the auth annotations to the Ingresses of a YAML or JSON stream'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand help; and not __fish_seen_subcommand_from secret ingress generate annotate verify users migrate serve help" -f -a "verify" -d 'Check a user\'s password against an auth Secret manifest (exit 0 match, 3 mismatch, 6 no such user). The password is read from standard input'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand help; and not __fish_seen_subcommand_from secret ingress generate annotate verify users migrate serve help" -f -a "users" -d 'List the users of an auth Secret manifest, their hash schemes, and who can check them'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand help; and not __fish_seen_subcommand_from secret ingress generate annotate verify users migrate serve help" -f -a "migrate" -d 'Turn an ingress-nginx basic-auth Ingress and its Secret into another controller\'s'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand help; and not __fish_seen_subcommand_from secret ingress generate annotate verify users migrate serve help" -f -a "serve" -d 'Serve forward-auth checks against an htpasswd file (nginx auth_request, Traefik ForwardAuth, Caddy forward_auth, Envoy ext_authz over HTTP, the Gateway API ExternalAuth filter)'
complete -c ingress-auth -n "__fish_ingress_auth_using_subcommand help; and not __fish_seen_subcommand_from secret ingress generate annotate verify users migrate serve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
