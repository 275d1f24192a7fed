# bash completion for canirun(1): commands, options, their values, and model
# ids, their Hugging Face aliases and Ollama family names (a family alone
# means its :latest tag), the names canirun resolves, read from the
# installed catalogue (models.json, latest.json) at completion time.

# The catalogue: $CANIRUN_DATA_DIR, beside the installed binary
# (PREFIX/bin/canirun -> PREFIX/share/canirun), or the usual prefixes.
_canirun_models()
{
	local bin dir f
	bin=$(command -v canirun 2>/dev/null)
	for dir in "${CANIRUN_DATA_DIR:-}" "${bin%/bin/canirun}/share/canirun" \
		/usr/local/share/canirun /usr/share/canirun; do
		f="$dir/models.json"
		if [ -n "$dir" ] && [ -r "$f" ]; then
			sed -n -e 's/^[[:space:]]*"id":[[:space:]]*"\([^"]*\)".*/\1/p' \
				-e '/"aliases": \[$/,/\]/s/^[[:space:]]*"\([^"]*\)",\{0,1\}$/\1/p' "$f"
			[ -r "$dir/latest.json" ] &&
				sed -n 's/.*"family":[[:space:]]*"\([^"]*\)".*/\1/p' "$dir/latest.json"
			return
		fi
	done
}

# Words are taken from the line split at spaces, so ids with ':' stay whole
# (COMP_WORDBREAKS splits them); the part up to the last ':' of the word is
# removed from the candidates, as readline replaces only what follows it.
_canirun()
{
	local line=${COMP_LINE:0:COMP_POINT}
	local cur=${line##* } before=${line% *}
	local prev=${before##* }
	local -a words
	read -r -a words <<<"$before"

	local commands="report show hw bench gguf local add calibrate plan cost need"
	local options="--ctx --runtime --flash-attn --quant --kv-type --prompt --sort --fits --task --min-tps --all
		--gpu --cpu-only --ram --vram --cpu --ram-gbps --ram-speed --ram-channels --disk
		--threads --hw --sysroot --pci-dump --json
		--no-color --data-dir --full --runs --id --help --version --cost --watts --kwh-price
		--hw-cost --months --api --api-price --seat --seat-price --tokens-per-day
		--input-per-day --users --prompts-per-day --tokens-per-prompt --currency --plan
		--node --link --link-gbps --link-rtt-us"
	local quants="Q8_0 Q6_K Q5_K_M Q5_K_S Q5_0 Q5_1 Q4_K_M Q4_K_S Q4_0 Q4_1 IQ4_XS
		IQ4_NL Q3_K_L Q3_K_M Q3_K_S IQ3_M IQ3_S IQ3_XS IQ3_XXS Q2_K Q2_K_S IQ2_M
		IQ2_S IQ2_XS IQ2_XXS IQ1_M IQ1_S TQ1_0 TQ2_0 MXFP4 F16 BF16 F32"
	local list= command= w

	case $prev in
	--quant) list=$quants ;;
	--kv-type) list="f16 q8_0 q4_0" ;;
	--runtime) list="ollama llama.cpp" ;;
	--flash-attn) list="on off" ;;
	--sort) list="useful fit speed size params name" ;;
	--task) list="chat writing code reasoning embedding vision tools" ;;
	--ctx) list="2048 4096 8192 16384 32768 65536 131072 max" ;;
	--hw|--pci-dump|--node) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--link) list="1GbE 2.5GbE 10GbE 25GbE 40GbE 100GbE TB4 IB" ;;
	--data-dir|--sysroot) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--disk) list="nvme ssd hdd" ;;
	--api) list="gpt-4o gpt-4o-mini claude-sonnet-4.5 deepseek-v3" ;;
	--seat) list="chatgpt-team" ;;
	--gpu|--cpu|--ram|--vram|--ram-gbps|--ram-speed|--ram-channels|--threads|--prompt|--min-tps|\
	--watts|--kwh-price|--hw-cost|--months|--api-price|--seat-price|--tokens-per-day|\
	--input-per-day|--users|--prompts-per-day|--tokens-per-prompt|--currency|--id|\
	--link-gbps|--link-rtt-us)
		COMPREPLY=(); return ;;
	*)
		for w in "${words[@]:1}"; do
			case $w in
			report|show|hw|bench|gguf|local|add|calibrate|plan|cost|need) command=$w; break ;;
			esac
		done
		if [[ $cur == -* ]]; then
			list=$options
		else
			case $command in
			gguf|add) COMPREPLY=($(compgen -f -- "$cur")); return ;;
			hw|bench|local|plan) COMPREPLY=(); return ;;
			'') list="$commands $(_canirun_models)" ;;
			*) list=$(_canirun_models) ;;
			esac
		fi ;;
	esac
	COMPREPLY=($(compgen -W "$list" -- "$cur"))
	if [[ $cur == *:* ]]; then
		local i
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=${COMPREPLY[i]#"${cur%:*}":}
		done
	fi
}
complete -F _canirun canirun
