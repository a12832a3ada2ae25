// nf-core-style module: panelprep trim (paired or single-end), fastp-compatible JSON for MultiQC,
// HTML report and upload manifest. Drop into modules/local/panelprep/trim/ of a pipeline.
process PANELPREP_TRIM {
    tag "$meta.id"
    label 'process_medium'

    container 'panelprep:latest'   // built from the repository's Containerfile

    input:
    tuple val(meta), path(reads)

    output:
    tuple val(meta), path('*.trimmed.fq.gz')  , emit: reads
    tuple val(meta), path('*.json')           , emit: json
    tuple val(meta), path('*.html')           , emit: html
    tuple val(meta), path('*.manifest.json')  , emit: manifest
    tuple val(meta), path('*.log')            , emit: log
    path "versions.yml"                       , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    if (meta.single_end) {
        """
        panelprep trim \\
            --in1 ${reads[0]} \\
            --out1 ${prefix}.trimmed.fq.gz \\
            --json ${prefix}.panelprep.json \\
            --html ${prefix}.panelprep.html \\
            --manifest ${prefix}.manifest.json \\
            --thread $task.cpus \\
            $args \\
            2> >(tee ${prefix}.panelprep.log >&2)

        cat <<-END_VERSIONS > versions.yml
        "${task.process}":
            panelprep: \$(panelprep --version | sed 's/panelprep //')
        END_VERSIONS
        """
    } else {
        """
        panelprep trim \\
            --in1 ${reads[0]} \\
            --in2 ${reads[1]} \\
            --out1 ${prefix}_1.trimmed.fq.gz \\
            --out2 ${prefix}_2.trimmed.fq.gz \\
            --json ${prefix}.panelprep.json \\
            --html ${prefix}.panelprep.html \\
            --manifest ${prefix}.manifest.json \\
            --thread $task.cpus \\
            $args \\
            2> >(tee ${prefix}.panelprep.log >&2)

        cat <<-END_VERSIONS > versions.yml
        "${task.process}":
            panelprep: \$(panelprep --version | sed 's/panelprep //')
        END_VERSIONS
        """
    }

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    echo | gzip > ${prefix}.trimmed.fq.gz
    touch ${prefix}.panelprep.json ${prefix}.panelprep.html ${prefix}.manifest.json ${prefix}.panelprep.log
    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        panelprep: \$(panelprep --version | sed 's/panelprep //')
    END_VERSIONS
    """
}
