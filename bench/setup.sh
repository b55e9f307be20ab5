# tcp_persona load runs (bench/shm.sh, bench/e2e.sh, test/soak/soak.sh):
# their loopback roles, away from the integration tests' addresses, then
# the test helpers. Sourced with TP_TEST_NAME set; TP_UE_IPS may be preset,
# else 30 UEs 127.0.0.151-180. Sets UE_IPS (an array of TP_UE_IPS).
tp_bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export TP_PROXY_IP=${TP_PROXY_IP:-127.0.0.141} TP_PROXY_PORT=${TP_PROXY_PORT:-35060}
export TP_NET_IP=${TP_NET_IP:-127.0.0.149}
if [[ -z ${TP_UE_IPS:-} ]]; then
	UE_IPS=()
	for i in $(seq 151 180); do UE_IPS+=("127.0.0.$i"); done
	export TP_UE_IPS="${UE_IPS[*]}"
fi
read -r -a UE_IPS <<<"$TP_UE_IPS"
source "$tp_bench_dir/../test/integration/lib.sh"
source "$tp_bench_dir/../test/integration/lib_wire.sh"
source "$tp_bench_dir/lib_bench.sh"
trap tp_stop_all EXIT
