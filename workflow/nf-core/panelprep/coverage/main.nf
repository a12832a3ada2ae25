// nf-core-style module: panelprep coverage (panel coverage, mosdepth-compatible files, QC gate,
// HTML report, MultiQC custom-content tables for the MultiQC module's input).
// The gate's verdict is kept in the files (--gate-exit-zero), so a failed gate never loses them.
process PANELPREP_COVERAGE {
    tag "$meta.id"
    label 'process_low'

    container 'panelprep:latest'

    input:
    tuple val(meta), path(bam), path(bai)
    path bed

    output:
    tuple val(meta), path('*.coverage.json')        , emit: json
    tuple val(meta), path('*.targets.tsv')          , emit: targets
    tuple val(meta), path('*.genes.tsv')            , emit: genes
    tuple val(meta), path('*.lowcov.bed')           , emit: lowcov
    tuple val(meta), path('*.gate.tsv')             , emit: gate, optional: true
    tuple val(meta), path('*.mosdepth.*.txt')       , emit: mosdepth
    tuple val(meta), path('*.bed.gz')               , emit: beds
    tuple val(meta), path('*.coverage.html')        , emit: html
    tuple val(meta), path('*_mqc.tsv')              , emit: multiqc
    path "versions.yml"                             , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    panelprep coverage \\
        --bam $bam \\
        --targets $bed \\
        --prefix $prefix \\
        -t $task.cpus \\
        --gate-exit-zero \\
        $args

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        panelprep: \$(panelprep --version | sed 's/panelprep //')
    END_VERSIONS
    """
}
